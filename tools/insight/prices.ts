// The price table of the cost estimate: on-demand list prices in USD, per region, one line per billing
// dimension with its source. No machine here reaches the AWS price pages or the Price List API, so:
//  - EC2 us-east-1 figures are exact copies of Karpenter's generated fallback price list
//    (aws/karpenter-provider-aws pkg/providers/pricing/zz_generated.pricing_aws.go, "generated at
//    2026-01-19T13:23:24Z for us-east-1"), a file produced from the AWS Price List API;
//  - every other figure is transcribed from the AWS public price page named on its line, as published in
//    January 2026, and marked `transcribed`. Check those against the AWS Pricing Calculator before you set a
//    budget close to the estimate (README, "Plan insight").
// Update: change the figure and its source on the same line, and `asOf`.

export interface Price {
    usd: number;
    /** Where the figure comes from. */
    source: string;
    /** Copied from a price page by hand (not from a machine-generated file this repository can cite by line). */
    transcribed?: true;
}

export interface RegionPrices {
    region: string;
    currency: "USD";
    /** The date the figures correspond to. */
    asOf: string;
    eksClusterHour: Price;
    natGatewayHour: Price;
    natGatewayGb: Price;
    publicIpv4Hour: Price;
    interfaceEndpointAzHour: Price;
    interfaceEndpointGb: Price;
    albHour: Price;
    albLcuHour: Price;
    ebsGp3GbMonth: Price;
    s3StandardGbMonth: Price;
    logsIngestGb: Price;
    logsStorageGbMonth: Price;
    alarmMonth: Price;
    kmsKeyMonth: Price;
    secretMonth: Price;
    wafAclMonth: Price;
    wafRuleMonth: Price;
    wafMillionRequests: Price;
    rdsGp3GbMonth: Price;
    rdsGp3MultiAzGbMonth: Price;
    rdsBackupGbMonth: Price;
    /** EC2 on-demand, Linux, per instance-hour. */
    ec2: Record<string, Price>;
    /** RDS for PostgreSQL on-demand, Single-AZ, per instance-hour (Multi-AZ with one standby bills twice). */
    rdsPostgres: Record<string, Price>;
    /** ElastiCache for Valkey on-demand, node-based, per node-hour. */
    elasticacheValkey: Record<string, Price>;
}

const KARPENTER = "aws/karpenter-provider-aws pkg/providers/pricing/zz_generated.pricing_aws.go (generated 2026-01-19 from the AWS Price List API)";
const EKS = "https://aws.amazon.com/eks/pricing/ (standard support, per cluster-hour)";
const VPC = "https://aws.amazon.com/vpc/pricing/";
const PRIVATELINK = "https://aws.amazon.com/privatelink/pricing/ (interface endpoint, per AZ-hour / per GB processed)";
const ELB = "https://aws.amazon.com/elasticloadbalancing/pricing/ (Application Load Balancer)";
const EBS = "https://aws.amazon.com/ebs/pricing/ (gp3 storage)";
const S3 = "https://aws.amazon.com/s3/pricing/ (S3 Standard, first 50 TB)";
const CW = "https://aws.amazon.com/cloudwatch/pricing/";
const KMS = "https://aws.amazon.com/kms/pricing/ (customer managed key)";
const SM = "https://aws.amazon.com/secrets-manager/pricing/ (per secret-month)";
const WAF = "https://aws.amazon.com/waf/pricing/";
const RDS = "https://aws.amazon.com/rds/postgresql/pricing/";
const EC = "https://aws.amazon.com/elasticache/pricing/ (Valkey, node-based: 20% below Redis OSS)";

function p(usd: number, source: string): Price {
    return { usd, source, transcribed: true };
}

export const PRICES: Record<string, RegionPrices> = {
    "eu-west-1": {
        region: "eu-west-1",
        currency: "USD",
        asOf: "2026-01-19",
        eksClusterHour: p(0.1, EKS),
        natGatewayHour: p(0.048, `${VPC} (NAT gateway, per hour, EU Ireland)`),
        natGatewayGb: p(0.048, `${VPC} (NAT gateway, per GB processed, EU Ireland)`),
        publicIpv4Hour: p(0.005, `${VPC} (public IPv4 address, per hour)`),
        interfaceEndpointAzHour: p(0.011, PRIVATELINK),
        interfaceEndpointGb: p(0.01, PRIVATELINK),
        albHour: p(0.0252, ELB),
        albLcuHour: p(0.008, ELB),
        ebsGp3GbMonth: p(0.088, EBS),
        s3StandardGbMonth: p(0.023, S3),
        logsIngestGb: p(0.57, `${CW} (Logs, standard ingestion)`),
        logsStorageGbMonth: p(0.03, `${CW} (Logs, archived storage)`),
        alarmMonth: p(0.1, `${CW} (standard-resolution metric alarm)`),
        kmsKeyMonth: p(1, KMS),
        secretMonth: p(0.4, SM),
        wafAclMonth: p(5, `${WAF} (web ACL per month)`),
        wafRuleMonth: p(1, `${WAF} (rule or rule group per month)`),
        wafMillionRequests: p(0.6, `${WAF} (per million requests)`),
        rdsGp3GbMonth: p(0.127, `${RDS} (gp3 storage, Single-AZ, EU Ireland)`),
        rdsGp3MultiAzGbMonth: p(0.254, `${RDS} (gp3 storage, Multi-AZ, EU Ireland)`),
        rdsBackupGbMonth: p(0.095, `${RDS} (backup storage beyond the free allowance)`),
        ec2: {
            "m7i.large": p(0.1122, "https://aws.amazon.com/ec2/pricing/on-demand/ (EU Ireland, Linux)"),
            "m6i.large": p(0.107, "https://aws.amazon.com/ec2/pricing/on-demand/ (EU Ireland, Linux)"),
            "m5.large": p(0.107, "https://aws.amazon.com/ec2/pricing/on-demand/ (EU Ireland, Linux)"),
            "m7g.large": p(0.0898, "https://aws.amazon.com/ec2/pricing/on-demand/ (EU Ireland, Linux)"),
            "m7i.xlarge": p(0.2244, "https://aws.amazon.com/ec2/pricing/on-demand/ (EU Ireland, Linux)"),
            "m6i.xlarge": p(0.214, "https://aws.amazon.com/ec2/pricing/on-demand/ (EU Ireland, Linux)"),
        },
        rdsPostgres: {
            "db.t4g.micro": p(0.018, `${RDS} (EU Ireland, Single-AZ)`),
            "db.t4g.small": p(0.036, `${RDS} (EU Ireland, Single-AZ)`),
            "db.t4g.medium": p(0.072, `${RDS} (EU Ireland, Single-AZ)`),
            "db.t4g.large": p(0.144, `${RDS} (EU Ireland, Single-AZ)`),
            "db.m7g.large": p(0.187, `${RDS} (EU Ireland, Single-AZ)`),
            "db.m7g.xlarge": p(0.374, `${RDS} (EU Ireland, Single-AZ)`),
        },
        elasticacheValkey: {
            "cache.t4g.micro": p(0.0141, `${EC} (EU Ireland)`),
            "cache.t4g.small": p(0.0282, `${EC} (EU Ireland)`),
            "cache.t4g.medium": p(0.0568, `${EC} (EU Ireland)`),
            "cache.m7g.large": p(0.1408, `${EC} (EU Ireland)`),
        },
    },
    "us-east-1": {
        region: "us-east-1",
        currency: "USD",
        asOf: "2026-01-19",
        eksClusterHour: p(0.1, EKS),
        natGatewayHour: p(0.045, `${VPC} (NAT gateway, per hour, US East N. Virginia)`),
        natGatewayGb: p(0.045, `${VPC} (NAT gateway, per GB processed, US East N. Virginia)`),
        publicIpv4Hour: p(0.005, `${VPC} (public IPv4 address, per hour)`),
        interfaceEndpointAzHour: p(0.01, PRIVATELINK),
        interfaceEndpointGb: p(0.01, PRIVATELINK),
        albHour: p(0.0225, ELB),
        albLcuHour: p(0.008, ELB),
        ebsGp3GbMonth: p(0.08, EBS),
        s3StandardGbMonth: p(0.023, S3),
        logsIngestGb: p(0.5, `${CW} (Logs, standard ingestion)`),
        logsStorageGbMonth: p(0.03, `${CW} (Logs, archived storage)`),
        alarmMonth: p(0.1, `${CW} (standard-resolution metric alarm)`),
        kmsKeyMonth: p(1, KMS),
        secretMonth: p(0.4, SM),
        wafAclMonth: p(5, `${WAF} (web ACL per month)`),
        wafRuleMonth: p(1, `${WAF} (rule or rule group per month)`),
        wafMillionRequests: p(0.6, `${WAF} (per million requests)`),
        rdsGp3GbMonth: p(0.115, `${RDS} (gp3 storage, Single-AZ, US East N. Virginia)`),
        rdsGp3MultiAzGbMonth: p(0.23, `${RDS} (gp3 storage, Multi-AZ, US East N. Virginia)`),
        rdsBackupGbMonth: p(0.095, `${RDS} (backup storage beyond the free allowance)`),
        ec2: {
            "m7i.large": { usd: 0.1008, source: KARPENTER },
            "m6i.large": { usd: 0.096, source: KARPENTER },
            "m5.large": { usd: 0.096, source: KARPENTER },
            "m7g.large": { usd: 0.0816, source: KARPENTER },
            "m7i.xlarge": { usd: 0.2016, source: KARPENTER },
            "m6i.xlarge": { usd: 0.192, source: KARPENTER },
        },
        rdsPostgres: {
            "db.t4g.micro": p(0.016, `${RDS} (US East N. Virginia, Single-AZ)`),
            "db.t4g.small": p(0.032, `${RDS} (US East N. Virginia, Single-AZ)`),
            "db.t4g.medium": p(0.065, `${RDS} (US East N. Virginia, Single-AZ)`),
            "db.t4g.large": p(0.129, `${RDS} (US East N. Virginia, Single-AZ)`),
            "db.m7g.large": p(0.168, `${RDS} (US East N. Virginia, Single-AZ)`),
            "db.m7g.xlarge": p(0.336, `${RDS} (US East N. Virginia, Single-AZ)`),
        },
        elasticacheValkey: {
            "cache.t4g.micro": p(0.0128, `${EC} (US East N. Virginia)`),
            "cache.t4g.small": p(0.0256, `${EC} (US East N. Virginia)`),
            "cache.t4g.medium": p(0.052, `${EC} (US East N. Virginia)`),
            "cache.m7g.large": p(0.1264, `${EC} (US East N. Virginia)`),
        },
    },
};

/** Hours in a month, as the AWS Pricing Calculator counts them. */
export const HOURS_PER_MONTH = 730;

export function pricesFor(region: string): RegionPrices | undefined {
    return PRICES[region];
}

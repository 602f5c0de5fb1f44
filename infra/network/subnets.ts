// Subnet layout carved from the VPC block. Pure functions, unit-tested.
//   private (nodes and pods; the VPC CNI gives every pod a VPC address): one /(p+3) per AZ, blocks 0-2
//   public  (load balancers, NAT gateways): one /(p+8) per AZ inside block 6
//   data    (RDS, ElastiCache; no route to the internet): one /(p+8) per AZ inside block 7
export interface SubnetPlan {
    public: string[];
    private: string[];
    data: string[];
}

function toInt(ip: string): number {
    return ip.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
}

function toIp(n: number): string {
    return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");
}

export function planSubnets(vpcCidr: string, azCount: number): SubnetPlan {
    const [base, prefixText] = vpcCidr.split("/");
    const prefix = Number(prefixText);
    if (prefix < 16 || prefix > 20) throw new Error(`VPC prefix must be /16 to /20, got /${prefix}`);
    if (azCount < 1 || azCount > 3) throw new Error(`azCount must be 1 to 3, got ${azCount}`);
    const start = toInt(base);
    const block = 2 ** (32 - (prefix + 3));
    const small = 2 ** (32 - (prefix + 8));
    const range = (n: number) => Array.from({ length: n }, (_, i) => i);
    return {
        private: range(azCount).map((i) => `${toIp(start + i * block)}/${prefix + 3}`),
        public: range(azCount).map((i) => `${toIp(start + 6 * block + i * small)}/${prefix + 8}`),
        data: range(azCount).map((i) => `${toIp(start + 7 * block + i * small)}/${prefix + 8}`),
    };
}

// IAM policy documents as plain data. Every statement has a Sid that says what it allows.
export type Principal = { Service: string | string[] } | { AWS: string | string[] } | { Federated: string };

export interface Statement {
    Sid: string;
    Effect: "Allow" | "Deny";
    Action: string | string[];
    Resource?: string | string[];
    Principal?: Principal | "*";
    Condition?: Record<string, Record<string, string | string[] | boolean>>;
}

export interface PolicyDocument {
    Version: "2012-10-17";
    Statement: Statement[];
}

export function policyDocument(statements: Statement[]): PolicyDocument {
    const sids = new Set<string>();
    for (const s of statements) {
        if (!/^[A-Za-z0-9]+$/.test(s.Sid)) throw new Error(`IAM Sid "${s.Sid}" must be alphanumeric`);
        if (sids.has(s.Sid)) throw new Error(`IAM Sid "${s.Sid}" appears twice`);
        sids.add(s.Sid);
    }
    return { Version: "2012-10-17", Statement: statements };
}

/** Trust policy for EKS Pod Identity: the agent assumes the role and tags the session. */
export function podIdentityTrustPolicy(): PolicyDocument {
    return policyDocument([
        {
            Sid: "AllowEksPodIdentity",
            Effect: "Allow",
            Principal: { Service: "pods.eks.amazonaws.com" },
            Action: ["sts:AssumeRole", "sts:TagSession"],
        },
    ]);
}

export function serviceTrustPolicy(service: string, sid: string): PolicyDocument {
    return policyDocument([{ Sid: sid, Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }]);
}

export function managedPolicyArn(partition: string, name: string): string {
    return `arn:${partition}:iam::aws:policy/${name}`;
}

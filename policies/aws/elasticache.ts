// ElastiCache replication groups: encrypted at rest and in transit, and authenticated.
import type { Policies } from "@pulumi/policy";
import { arr, bool, resourcePolicy } from "../lib";

export const REPLICATION_GROUP = "aws:elasticache/replicationGroup:ReplicationGroup";

export const elasticachePolicies: Policies = [
    resourcePolicy({
        name: "elasticache-encryption",
        description: "ElastiCache replication groups encrypt at rest and in transit.",
        enforcementLevel: "mandatory",
        types: [REPLICATION_GROUP],
        validate: (args, report) => {
            if (bool(args.props["atRestEncryptionEnabled"]) !== true) report("atRestEncryptionEnabled must be true");
            if (bool(args.props["transitEncryptionEnabled"]) !== true) report("transitEncryptionEnabled must be true");
        },
    }),
    resourcePolicy({
        name: "elasticache-auth",
        description: "ElastiCache replication groups require authentication (authToken, or RBAC userGroupIds).",
        enforcementLevel: "mandatory",
        types: [REPLICATION_GROUP],
        validate: (args, report) => {
            const token = args.props["authToken"];
            const hasToken = typeof token === "string" ? token !== "" : token !== undefined && token !== null;
            if (!hasToken && arr(args.props["userGroupIds"]).length === 0) report("set authToken or userGroupIds: unauthenticated access is forbidden");
        },
    }),
];

// KMS: symmetric customer-managed keys rotate.
import type { Policies } from "@pulumi/policy";
import { bool, resourcePolicy, str } from "../lib";

export const KMS_KEY = "aws:kms/key:Key";

export const kmsPolicies: Policies = [
    resourcePolicy({
        name: "kms-key-rotation",
        description: "Symmetric encryption KMS keys enable automatic rotation (asymmetric and HMAC keys cannot rotate and are exempt).",
        enforcementLevel: "mandatory",
        types: [KMS_KEY],
        validate: (args, report) => {
            const spec = str(args.props["customerMasterKeySpec"]) ?? str(args.props["keySpec"]) ?? "SYMMETRIC_DEFAULT";
            if (spec !== "SYMMETRIC_DEFAULT") return;
            if (bool(args.props["enableKeyRotation"]) !== true) report("enableKeyRotation must be true");
        },
    }),
];

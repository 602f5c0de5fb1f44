// ECR: application image repositories scan on push, keep tags immutable (a digest promoted by tag can never be
// overwritten) and encrypt with a customer-managed KMS key.
import type { Policies } from "@pulumi/policy";
import { arr, at, bool, obj, resourcePolicy, str } from "../lib";

export const ECR_REPOSITORY = "aws:ecr/repository:Repository";

export const ecrPolicies: Policies = [
    resourcePolicy({
        name: "ecr-repository-settings",
        description:
            "ECR repositories set imageTagMutability IMMUTABLE, imageScanningConfiguration.scanOnPush true and KMS encryption (with a customer-managed key when requireCustomerKey).",
        enforcementLevel: "mandatory",
        configSchema: {
            properties: {
                requireCustomerKey: { type: "boolean", default: true },
            },
        },
        types: [ECR_REPOSITORY],
        validate: (args, report) => {
            const cfg = args.getConfig<{ requireCustomerKey: boolean }>();
            // Provider defaults (aws.ecr.Repository): imageTagMutability MUTABLE, no scanning, AES256 encryption.
            const mutability = str(args.props["imageTagMutability"]) ?? "MUTABLE";
            if (mutability !== "IMMUTABLE") report(`imageTagMutability is ${mutability}; IMMUTABLE is required (a pushed tag must never move to another digest)`);
            if (bool(at(args.props, "imageScanningConfiguration", "scanOnPush")) !== true) report("imageScanningConfiguration.scanOnPush must be true");
            const enc = obj(arr(args.props["encryptionConfigurations"])[0]);
            const type = str(enc?.["encryptionType"]) ?? "AES256";
            if (type !== "KMS" && type !== "KMS_DSSE") report(`encryptionConfigurations[0].encryptionType is ${type}; KMS is required`);
            else if (cfg.requireCustomerKey && !enc?.["kmsKey"])
                report("encryptionConfigurations[0].kmsKey must name a customer-managed KMS key (without it ECR uses the AWS managed key aws/ecr)");
        },
    }),
];

// ECR lifecycle policy as pure data (Amazon ECR user guide, "Lifecycle policy properties"): rules apply from the
// lowest rulePriority; `tagged` requires a tagPrefixList or tagPatternList ("*" matches every tag); `untagged`
// must omit both; sinceImagePushed needs countUnit "days".
export interface LifecycleRule {
    rulePriority: number;
    description: string;
    selection:
        | { tagStatus: "untagged"; countType: "sinceImagePushed"; countUnit: "days"; countNumber: number }
        | { tagStatus: "tagged"; tagPatternList: string[]; countType: "imageCountMoreThan"; countNumber: number };
    action: { type: "expire" };
}

export interface LifecyclePolicy {
    rules: LifecycleRule[];
}

export function lifecyclePolicy(keepTaggedImages: number, untaggedExpiryDays: number): LifecyclePolicy {
    return {
        rules: [
            {
                rulePriority: 1,
                description: `Expire untagged images ${untaggedExpiryDays} days after push`,
                selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: untaggedExpiryDays },
                action: { type: "expire" },
            },
            {
                rulePriority: 2,
                description: `Keep the last ${keepTaggedImages} tagged images`,
                selection: { tagStatus: "tagged", tagPatternList: ["*"], countType: "imageCountMoreThan", countNumber: keepTaggedImages },
                action: { type: "expire" },
            },
        ],
    };
}

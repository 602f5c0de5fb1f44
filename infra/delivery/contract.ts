// What other layers may see of the delivery layer: where application images live.
import * as pulumi from "@pulumi/pulumi";

export interface DeliveryContract {
    /** ECR repository name → repository URL (`<account>.dkr.ecr.<region>.amazonaws.com/<name>`); images are pulled by digest. */
    repositoryUrls: Record<string, pulumi.Output<string>>;
}

// Config section of the network: optional VPC interface endpoints for the AWS APIs (endpoints.ts).
// Key: platform:interfaceEndpoints = a list of sts, secretsmanager, kms, ecr.api, ecr.dkr, logs ([] = none).
import { z } from "zod";
import { ConfigProblem, configSection } from "../lib/configSchema";
import { INTERFACE_ENDPOINT_SERVICES } from "./endpoints";

const interfaceEndpoints = z.array(z.enum(INTERFACE_ENDPOINT_SERVICES));
const shape = { interfaceEndpoints };

export const networkSection = configSection({
    shape,
    defaults: {
        // dev calls the AWS APIs through NAT (public endpoints, HTTPS only from pods); prod keeps them in the VPC.
        dev: { interfaceEndpoints: [] },
        prod: { interfaceEndpoints: [...INTERFACE_ENDPOINT_SERVICES] },
    },
    checks: (v) => {
        const out: ConfigProblem[] = [];
        const services = v.interfaceEndpoints;
        const dupes = services.filter((s, i) => services.indexOf(s) !== i);
        if (dupes.length > 0) out.push({ key: "interfaceEndpoints", message: `expected each service once, found ${[...new Set(dupes)].map((d) => JSON.stringify(d)).join(", ")} more than once` });
        // Pulling from ECR uses both: the registry API (auth token, manifests) and the Docker endpoint
        // (Amazon ECR User Guide, "Amazon ECR interface VPC endpoints (AWS PrivateLink)").
        if (services.includes("ecr.dkr") !== services.includes("ecr.api")) {
            out.push({ key: "interfaceEndpoints", message: `expected "ecr.api" and "ecr.dkr" together (image pulls call both), found only ${JSON.stringify(services.includes("ecr.dkr") ? "ecr.dkr" : "ecr.api")}` });
        }
        return out;
    },
});

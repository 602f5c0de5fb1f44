// Loaded by mocha before any spec (.mocharc.json): installs the shared mock cloud so that specs which
// construct components directly and specs which run the whole program see the same runtime.
import * as pulumi from "@pulumi/pulumi";
import { MockCloud } from "../tools/offline/mocks";

void pulumi.runtime.setMocks(new MockCloud({ region: "eu-west-1", project: "platform", stack: "test" }), "platform", "test", true);

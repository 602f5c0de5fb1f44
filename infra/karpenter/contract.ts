// What the Karpenter layer hands to the layers that place add-ons on its dedicated `platform` NodePool.
import { Placement } from "../lib/placement";

export interface KarpenterContract {
    /** On-demand, tainted NodePool for heavier or stateful add-ons; releases placed here wait for the NodePool. */
    platform: Placement;
}

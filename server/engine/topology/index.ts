/** Topology of a Redis deployment: probing single nodes and discovering standalone/cluster shapes. */
export { probeNode, identify, type NodeProbe, type ProbeStatus, type ServerIdentity } from "./probe";
export { discoverTopology, masters, replicasOf, describeNode, type Topology, type TopologyNode } from "./discover";
export { openControl, withControl, addressOf, DEFAULT_TIMEOUT_MS, type NodeTarget, type ControlOptions } from "./control";
export { sniffRedis, type SniffKind, type SniffResult } from "./sniff";
export { parseInfo, infoNumber, keyspaceCounts, majorMinor, compareMajorMinor, type InfoFields } from "./info";
export { parseClusterNodes, countSlots, SLOT_COUNT } from "./cluster-nodes";
export { readReplicationHistory, historyIds, type ReplicationHistory } from "./replication-history";

/** RDB loader: writes parsed RDB keys to a destination through the pipelined writer. */
export { RdbLoader } from "./loader";
export { loadRdbFile, loadRdbStream, type LoadProgress, type StreamLoadOptions } from "./load-stream";
export { capabilitiesOf, rdbVersionFor, restorable, type DestinationCapabilities } from "./rdb-compat";
export type { ConflictPolicy, LoadIssue, LoadStats, LoaderOptions } from "./types";

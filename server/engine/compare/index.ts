export { compare } from "./compare";
export type { CompareOptions, CompareResult, CompareSample, CompareProgress, CompareMode, DifferenceKind, RecordedKey, RecordedResult } from "./types";

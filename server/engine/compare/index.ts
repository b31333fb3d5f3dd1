export { compare } from "./compare";
export type { CompareOptions, CompareResult, CompareSample, CompareProgress, CompareMode, DifferenceKind } from "./types";

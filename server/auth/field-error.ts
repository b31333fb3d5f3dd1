import { DtsError } from "../errors";

/**
 * A refusal that belongs to form fields (keys like "source.password"), for checks a zod schema cannot
 * make alone (they need stored state). operatorAction returns it as `{ error, fieldErrors }`.
 */
export class FieldError extends DtsError {
  readonly fieldErrors: Record<string, string[]>;
  constructor(fieldErrors: Record<string, string>) {
    const first = Object.values(fieldErrors)[0] ?? "The input is not valid.";
    super("INVALID_CONFIG", first);
    this.name = "FieldError";
    this.fieldErrors = Object.fromEntries(Object.entries(fieldErrors).map(([k, v]) => [k, [v]]));
  }
}

/** What every server action returns: data, or one sentence for the operator (never a stack trace). */
export type ActionResult<T> =
  | { data: T; error?: undefined; code?: undefined; fieldErrors?: undefined }
  | { error: string; code?: string; fieldErrors?: Record<string, string[]>; data?: undefined };

"use client";

import { useMutation, useQueryClient, type QueryKey } from "@tanstack/react-query";
import type { ActionResult } from "@/contracts/action-result";

/** A server action's `{ error }` as a thrown value, so react-query's error state carries it. */
export class ActionError extends Error {
  constructor(
    message: string,
    readonly code?: string,
    readonly fieldErrors?: Record<string, string[]>,
  ) {
    super(message);
  }
}

/**
 * Runs a server action through react-query: unwraps `{ data } | { error }`, sends a signed-out
 * operator to the sign-in page, and refreshes the given queries after success.
 */
export function useActionMutation<I, R>(action: (input: I) => Promise<ActionResult<R>>, options: { invalidate?: QueryKey; onSuccess?: (data: R) => void } = {}) {
  const queryClient = useQueryClient();
  return useMutation<R, ActionError, I>({
    mutationFn: async (input) => {
      let result: ActionResult<R>;
      try {
        result = await action(input);
      } catch {
        throw new ActionError("The server could not be reached. Check the connection and try again.");
      }
      if (result.error !== undefined) {
        if (result.code === "UNAUTHENTICATED") window.location.assign(`/sign-in?next=${encodeURIComponent(window.location.pathname + window.location.search)}`);
        throw new ActionError(result.error, result.code, result.fieldErrors);
      }
      return result.data;
    },
    onSuccess: async (data) => {
      if (options.invalidate) await queryClient.invalidateQueries({ queryKey: options.invalidate });
      options.onSuccess?.(data);
    },
  });
}

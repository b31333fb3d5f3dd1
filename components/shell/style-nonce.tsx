"use client";

import { setNonce } from "get-nonce";

/**
 * Style elements that libraries add at run time (Radix dialogs lock scrolling with one) need this
 * page's Content-Security-Policy nonce, or the browser blocks them: react-style-singleton reads it
 * from get-nonce. Set while rendering, before any dialog mounts.
 */
export function StyleNonce({ nonce }: { nonce: string }) {
  if (nonce) setNonce(nonce);
  return null;
}

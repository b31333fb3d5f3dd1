import type { ReactNode } from "react";

/**
 * A box that scrolls sideways when its content (a wide table) does not fit, as on a phone. It is a
 * named, focusable region so that a keyboard can reach it and scroll it with the arrow keys.
 */
export function ScrollX({ label, className = "", children }: { label: string; className?: string; children: ReactNode }) {
  return (
    <div role="region" aria-label={label} tabIndex={0} className={`overflow-x-auto ${className}`}>
      {children}
    </div>
  );
}

"use client";

import * as RadixDialog from "@radix-ui/react-dialog";
import { useLayoutEffect, useRef, type ReactNode } from "react";

/**
 * The console's modal dialog, on Radix Dialog: focus moves to the first control inside on open (the
 * safe choice comes first in a confirmation), Tab stays inside, Escape and a click outside close, the
 * page behind is hidden from assistive technology, and on close focus goes back to the control that
 * opened the dialog. The parent owns `open`; closing from inside calls `onClose`.
 *
 * Controls inside must not use `autoFocus`: it would move focus before the dialog has noted where to
 * return it.
 */
export function Dialog({ open, onClose, title, children }: { open: boolean; onClose: () => void; title: string; children: ReactNode }) {
  const opener = useOpener(open);
  return (
    <RadixDialog.Root open={open} onOpenChange={(next) => !next && onClose()}>
      <RadixDialog.Portal>
        <RadixDialog.Overlay className="fixed inset-0 z-40 bg-slate-900/45" />
        <RadixDialog.Content
          // The dialog is named by its title; its text is read in order, no separate description.
          aria-describedby={undefined}
          onCloseAutoFocus={(event) => {
            // Our dialogs are opened by buttons outside Radix's Trigger, which Radix would refocus.
            event.preventDefault();
            if (opener.current?.isConnected) opener.current.focus();
          }}
          className="fixed top-1/2 left-1/2 z-50 max-h-[calc(100dvh-2rem)] w-[calc(100%-2rem)] max-w-md -translate-x-1/2 -translate-y-1/2 overflow-y-auto rounded-lg border border-slate-200 bg-white p-5 text-slate-900 shadow-xl"
        >
          <RadixDialog.Title className="text-lg font-semibold">{title}</RadixDialog.Title>
          <div className="mt-3">{children}</div>
        </RadixDialog.Content>
      </RadixDialog.Portal>
    </RadixDialog.Root>
  );
}

/** The element that had focus when `open` turned true: the button that opened the dialog. */
function useOpener(open: boolean) {
  const opener = useRef<HTMLElement | null>(null);
  // A layout effect runs before Radix moves focus into the content (in its own passive effect).
  useLayoutEffect(() => {
    if (open && document.activeElement instanceof HTMLElement && document.activeElement !== document.body) opener.current = document.activeElement;
  }, [open]);
  return opener;
}

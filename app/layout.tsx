import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import { headers } from "next/headers";
import { Providers } from "./providers";
import { StyleNonce } from "@/components/shell/style-nonce";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "redis-dts", template: "%s · redis-dts" },
  description: "Data transmission service for Redis: full and incremental synchronization",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

/**
 * Reading the request makes every page render per request, so each gets the nonce of its own
 * Content-Security-Policy (proxy.ts); a page prerendered at build time would carry none and its
 * scripts would be blocked.
 */
export default async function RootLayout({ children }: { children: ReactNode }) {
  const nonce = (await headers()).get("x-nonce") ?? "";
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">
        <StyleNonce nonce={nonce} />
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}

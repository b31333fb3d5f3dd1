import type { ButtonHTMLAttributes } from "react";

const VARIANTS = {
  primary: "bg-blue-600 text-white hover:bg-blue-700 disabled:bg-blue-400",
  secondary: "border border-slate-300 bg-white text-slate-800 hover:bg-slate-50 disabled:text-slate-400",
  danger: "bg-red-600 text-white hover:bg-red-700 disabled:bg-red-300",
  link: "text-blue-700 hover:text-blue-900 hover:underline disabled:text-slate-400 px-0 py-0",
} as const;

export type ButtonVariant = keyof typeof VARIANTS;

/** The class of a button, for links that look like one. */
export function buttonClass(variant: ButtonVariant = "primary", extra = ""): string {
  const box = variant === "link" ? "" : "rounded-md px-3.5 py-2 shadow-xs";
  return `inline-flex items-center justify-center gap-1.5 text-sm font-medium whitespace-nowrap transition-colors disabled:cursor-not-allowed ${box} ${VARIANTS[variant]} ${extra}`;
}

export function Button({ variant = "primary", className = "", type = "button", ...props }: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: ButtonVariant }) {
  return <button type={type} className={buttonClass(variant, className)} {...props} />;
}

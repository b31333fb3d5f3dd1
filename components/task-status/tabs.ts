/** The status page's tabs (a plain module: the server page reads them too). */
export const STATUS_TABS = [
  ["overview", "Overview"],
  ["events", "Events"],
  ["precheck", "Precheck"],
  ["configuration", "Configuration"],
  ["verification", "Data Verification"],
] as const;
export type StatusTab = (typeof STATUS_TABS)[number][0];

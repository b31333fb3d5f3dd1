import type { TInstanceMode, TInstanceType } from "@/contracts/endpoint.types";

/** One side of the instances step as the form edits it (strings as typed; the action validates). */
export interface EndpointDraft {
  instanceType: TInstanceType;
  regionLabel: string;
  host: string;
  port: string;
  mode: TInstanceMode;
  password: string;
  clearPassword: boolean;
  tls: boolean;
  tlsInsecure: boolean;
  tlsServername: string;
  tlsCa: string;
  tlsCert: string;
  tlsKey: string;
}

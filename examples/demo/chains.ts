// The seed chain in the two handler styles the demo can run (`--style`).
import type { Broker } from "postline";
import { registerClassChain } from "../chain-class.js";
import { registerFunctionalChain } from "../chain-functional.js";
import type { HandlerStyle } from "./args.js";

export type RegisterChain = (broker: Broker<string>, onThirdHandled: (message: string) => void) => void;

export const chains: Record<HandlerStyle, RegisterChain> = {
  functional: registerFunctionalChain,
  class: registerClassChain,
};

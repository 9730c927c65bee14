// The in-process broker: destinations inside one process, no server and no protocol bindings.
import { envelopeHeaders, type BrokerProfile } from "./profile.js";

export const memoryProfile: BrokerProfile = {
  server: () => undefined,
  ...envelopeHeaders,
  subscription(destination, options) {
    const group = typeof options.group === "string" ? ` (group "${options.group}": its subscribers split the messages)` : "";
    return { address: destination, description: `In-process destination "${destination}"${group}.` };
  },
  publication(destination) {
    return { address: destination, description: `In-process destination "${destination}".` };
  },
};

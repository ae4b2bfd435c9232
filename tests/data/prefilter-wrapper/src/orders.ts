// No trigger word here: only a call to the project's wrapper.
import { callBackend } from "./backend";

export function loadOrders(customer: string) {
  return callBackend("/orders/" + customer);
}

// A generic method name, linked through the receiver's name.
import { DataClient } from "./backend";

const data = new DataClient();

export function loadReports(month: string) {
  return data.get("reports/" + month);
}

// The only file that names the network API.
const BASE = "https://api.prefilter-wrapper.example-corp.io";

export async function callBackend(path: string) {
  const res = await fetch(BASE + path);
  return res.json();
}

export class DataClient {
  get(route: string) {
    return fetch(`${BASE}/data/${route}`);
  }
}

// Custom Spectral function: every x-google-endpoints entry's name must equal
// the spec's host (Cloud Endpoints only applies allowCors and target to the
// entry named after the service). Used by bench/lint/run.sh.
export default (doc) => {
  if (doc === null || typeof doc !== "object") {
    return [];
  }
  const endpoints = doc["x-google-endpoints"];
  if (!Array.isArray(endpoints)) {
    return [];
  }
  const host = doc.host;
  const results = [];
  endpoints.forEach((ep, i) => {
    const name = ep && typeof ep === "object" ? ep.name : undefined;
    if (name !== host) {
      results.push({
        message: `x-google-endpoints[${i}].name "${name}" is different than the host name "${host}"`,
        path: ["x-google-endpoints", i, "name"],
      });
    }
  });
  return results;
};

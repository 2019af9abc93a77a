# Prepares Argo's swagger.json for NSwag (input of the Argo.Workflows.Client build):
# - drops the streaming operations (watch, logs): they are read by hand-written code;
# - renames definitions whose short names collide (argo-events types come first in the
#   spec and would take plain names), so workflow and core types keep plain names;
# - keeps free-form objects whole: `Item` (withItems) may be a string, number or map, and
#   objects declared without properties get additionalProperties;
# - IntOrString and Quantity (typed `string` by the spec, though Kubernetes reads a JSON number or
#   a string) become references to the hand-written IntOrString.cs and Quantity.cs, which keep
#   the JSON type; nswag.json excludes them from generation.
def short: split(".") | last;
def rank: if startswith("io.argoproj.workflow.") then 0 elif startswith("io.k8s.") then 1 else 2 end;
def prefix:
  if startswith("github.com.argoproj.argo_events.") then "Events"
  elif startswith("eventsource.") then "EventSource"
  elif startswith("sensor.") then "Sensor"
  elif startswith("io.k8s.api.core.") then "Core"
  else error("no rename prefix for colliding definition \(.)") end;
def streaming: test("^/api/v1/(stream/|workflow-events/)") or test("/log$");
def free_form: (.type // "object") == "object" and ((.properties // {}) | length) == 0
  and (has("$ref") | not) and (has("allOf") | not);

def number_or_string($name): {type: "object", description: "\($name): a JSON number or string (hand-written type)", properties: {value: {type: "string"}}};

(.definitions | keys | group_by(short) | map(select(length > 1) | sort_by(rank) | .[1:][])
  | map({key: ., value: ((split(".")[:-1] | join(".")) + "." + prefix + short)}) | from_entries) as $renames
| "#/definitions/io.argoproj.workflow.v1alpha1.Item" as $item
| .definitions[$item | ltrimstr("#/definitions/")].description as $itemDescription
| .paths |= with_entries(select(.key | streaming | not))
| .definitions["io.k8s.apimachinery.pkg.util.intstr.IntOrString"] = number_or_string("IntOrString")
| .definitions["io.k8s.apimachinery.pkg.api.resource.Quantity"] = number_or_string("Quantity")
| .definitions |= (del(.["io.argoproj.workflow.v1alpha1.Item"])
    | with_entries(.key = ($renames[.key] // .key)
        | if (.value | free_form) then .value += {type: "object", additionalProperties: {}} else . end))
| walk(if type == "object" and (.["$ref"] | type) == "string" then
         if .["$ref"] == $item then {description: $itemDescription}
         else .["$ref"] |= ("#/definitions/" + (ltrimstr("#/definitions/") | $renames[.] // .)) end
       else . end)

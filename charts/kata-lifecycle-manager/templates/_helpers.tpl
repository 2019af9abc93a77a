{{/* Standard labels of every object. */}}
{{- define "kata-lifecycle-manager.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* "-SUFFIX" when kata-deploy runs with env.multiInstallSuffix, else empty. */}}
{{- define "kata-lifecycle-manager.kataDeploySuffix" -}}
{{- with .Values.kataDeploy.multiInstallSuffix }}-{{ . }}{{ end -}}
{{- end -}}

{{/*
The rules of a verification pod manifest, from the steps' verification-pod-rules.json (preflight
applies the same rules to the verification-pod parameter of every run): each rule's one-line
refusal as a printf format, the fixed details, and where documents split (as kubectl splits them).
*/}}
{{- define "kata-lifecycle-manager.verificationPodMessages" -}}
missing: "defaults.verificationPod: a value is required; pass the Pod manifest with --set-file defaults.verificationPod=pod.yaml"
unreadable: "defaults.verificationPod: the manifest cannot be read as Kubernetes objects: %s"
count: "defaults.verificationPod: the manifest holds %s objects; give exactly one Pod"
not-a-pod: "defaults.verificationPod: the manifest is a %s, not a Pod"
no-node: "defaults.verificationPod: the manifest does not use ${NODE}; pin the pod to the node under test, e.g. spec.nodeSelector: {kubernetes.io/hostname: ${NODE}}"
not-pinned: "defaults.verificationPod: the pod is not pinned to ${NODE} (spec.nodeName, a spec.nodeSelector value or a required node affinity); it could verify another node"
restarts: "defaults.verificationPod: restartPolicy is %s; use Never so the pod ends Succeeded or Failed"
details:
  separator: "a line starting with --- may carry only a comment after it"
  notMapping: "a document is not a mapping"
  noApiVersion: "an object has no apiVersion"
  noKind: "an object has no kind"
  notText: "the value decodes to bytes that are not UTF-8 text"
  defaultRestartPolicy: "Always (the default)"
documentSeparator: "(?m)^---[ \\t\\r]*(#.*)?$"
{{- end -}}

{{/*
defaults.verificationPod, checked by those rules in their order and base64-encoded; fails the
install with the rule's line. The manifest is read as kubectl reads it: documents of only comments
or null are skipped, a v1 List counts as its items.
*/}}
{{- define "kata-lifecycle-manager.verificationPod" -}}
{{- $m := include "kata-lifecycle-manager.verificationPodMessages" . | fromYaml -}}
{{- $pod := .Values.defaults.verificationPod | default "" | toString -}}
{{- if not $pod -}}
{{- fail (printf $m.missing) -}}
{{- end -}}
{{- $objects := list -}}
{{- range $document := regexSplit $m.documentSeparator $pod -1 -}}
{{- if regexMatch "(?m)^---" $document -}}
{{- fail (printf $m.unreadable $m.details.separator) -}}
{{- end -}}
{{- $content := regexReplaceAll "(?m)^[ \\t]*(#.*)?\\r?$" $document "" | trim -}}
{{- if not (has $content (list "" "null" "Null" "NULL" "~")) -}}
{{- $doc := fromYaml $document -}}
{{- if hasKey $doc "Error" -}}
{{- fail (printf $m.unreadable (toString $doc.Error)) -}}
{{- end -}}
{{- if and (eq (toString $doc.apiVersion) "v1") (eq (toString $doc.kind) "List") -}}
{{- $objects = concat $objects (default list $doc.items) -}}
{{- else -}}
{{- $objects = append $objects $doc -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- range $objects -}}
{{- if not (kindIs "map" .) -}}
{{- fail (printf $m.unreadable $m.details.notMapping) -}}
{{- else if not .apiVersion -}}
{{- fail (printf $m.unreadable $m.details.noApiVersion) -}}
{{- else if not .kind -}}
{{- fail (printf $m.unreadable $m.details.noKind) -}}
{{- end -}}
{{- end -}}
{{- if ne (len $objects) 1 -}}
{{- fail (printf $m.count (toString (len $objects))) -}}
{{- end -}}
{{- $object := first $objects -}}
{{- if ne (toString $object.kind) "Pod" -}}
{{- fail (printf (index $m "not-a-pod") (toString $object.kind)) -}}
{{- end -}}
{{- if not (include "kata-lifecycle-manager.usesNode" $object) -}}
{{- fail (printf (index $m "no-node")) -}}
{{- end -}}
{{- $spec := dict -}}
{{- if kindIs "map" $object.spec -}}
{{- $spec = $object.spec -}}
{{- end -}}
{{- $pinned := eq (toString (default "" $spec.nodeName)) "${NODE}" -}}
{{- if kindIs "map" $spec.nodeSelector -}}
{{- range $value := $spec.nodeSelector -}}
{{- $pinned = or $pinned (eq (toString $value) "${NODE}") -}}
{{- end -}}
{{- end -}}
{{- $terms := dig "affinity" "nodeAffinity" "requiredDuringSchedulingIgnoredDuringExecution" "nodeSelectorTerms" list $spec -}}
{{- if and (kindIs "slice" $terms) $terms -}}
{{- $every := true -}}
{{- range $term := $terms -}}
{{- $named := false -}}
{{- if kindIs "map" $term -}}
{{- range $requirement := concat (default list $term.matchExpressions) (default list $term.matchFields) -}}
{{- if and (kindIs "map" $requirement) (eq (toString $requirement.operator) "In") (eq (toJson $requirement.values) (toJson (list "${NODE}"))) -}}
{{- $named = true -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- $every = and $every $named -}}
{{- end -}}
{{- $pinned = or $pinned $every -}}
{{- end -}}
{{- if not $pinned -}}
{{- fail (printf (index $m "not-pinned")) -}}
{{- end -}}
{{- $restartPolicy := toString (default "" $spec.restartPolicy) -}}
{{- if eq $restartPolicy "" -}}
{{- fail (printf $m.restarts $m.details.defaultRestartPolicy) -}}
{{- else if eq $restartPolicy "Always" -}}
{{- fail (printf $m.restarts $restartPolicy) -}}
{{- end -}}
{{- $pod | b64enc -}}
{{- end -}}

{{/* Non-empty when a string value (not a key) of the object contains ${NODE}, as jq's `.. | strings`. */}}
{{- define "kata-lifecycle-manager.usesNode" -}}
{{- if kindIs "map" . -}}
{{- range . -}}{{ include "kata-lifecycle-manager.usesNode" . }}{{- end -}}
{{- else if kindIs "slice" . -}}
{{- range . -}}{{ include "kata-lifecycle-manager.usesNode" . }}{{- end -}}
{{- else if and (kindIs "string" .) (contains "${NODE}" .) -}}
true
{{- end -}}
{{- end -}}


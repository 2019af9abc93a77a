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

{{/* The verification pod, checked and base64-encoded. Fails the install with one line. */}}
{{- define "kata-lifecycle-manager.verificationPod" -}}
{{- $pod := .Values.defaults.verificationPod | default "" | toString -}}
{{- if not (trim $pod) -}}
{{- fail "defaults.verificationPod is required: pass the verification Pod manifest with --set-file defaults.verificationPod=pod.yaml" -}}
{{- end -}}
{{- if regexMatch "(?m)^---[ \\t]*$" (trimSuffix "\n---" (trimPrefix "---" (trim $pod))) -}}
{{- fail "defaults.verificationPod holds several YAML documents: pass a single Pod manifest" -}}
{{- end -}}
{{- $doc := fromYaml $pod -}}
{{- if hasKey $doc "Error" -}}
{{- fail (printf "%s%s" "defaults.verificationPod is not a YAML manifest: " (toString $doc.Error)) -}}
{{- end -}}
{{- $kind := toString (default "" $doc.kind) -}}
{{- if ne $kind "Pod" -}}
{{- fail (printf "defaults.verificationPod is a '%s', not a Pod: pass a manifest with kind: Pod" $kind) -}}
{{- end -}}
{{- if not (contains "${NODE}" $pod) -}}
{{- fail "defaults.verificationPod does not use ${NODE}: pin the pod to the node under test, e.g. nodeSelector: {kubernetes.io/hostname: ${NODE}}" -}}
{{- end -}}
{{- $pod | b64enc -}}
{{- end -}}


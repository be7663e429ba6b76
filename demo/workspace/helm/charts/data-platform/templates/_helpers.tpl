{{/* Labels every object of the platform carries, so Argo CD and Shipshape can find it. */}}
{{- define "data-platform.labels" -}}
app.kubernetes.io/part-of: data-platform
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

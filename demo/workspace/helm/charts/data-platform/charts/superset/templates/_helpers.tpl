{{- define "superset.fullname" -}}
{{- default .Chart.Name .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "superset.selectorLabels" -}}
app.kubernetes.io/name: superset
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

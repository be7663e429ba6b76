{{- define "dolphinscheduler.fullname" -}}
{{- default .Chart.Name .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "dolphinscheduler.labels" -}}
app.kubernetes.io/name: dolphinscheduler
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "dolphinscheduler.zookeeper" -}}
{{- .Values.zookeeper | default .Values.global.zookeeper -}}
{{- end -}}

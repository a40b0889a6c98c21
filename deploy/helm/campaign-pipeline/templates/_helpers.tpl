{{/* Name prefix of every object: the release name, with the chart name unless the release already has it. */}}
{{- define "cp.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "cp.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
app.kubernetes.io/part-of: campaign-pipeline
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end -}}

{{/* Selector labels of one service's pods; call with (dict "root" $ "name" $name). */}}
{{- define "cp.selectorLabels" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end -}}

{{- define "cp.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{- define "cp.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "cp.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/*
One service's settings: serviceDefaults deep-merged with its own entry. Booleans are read with dig, because
a merge does not let an explicit false override a default true.
*/}}
{{- define "cp.serviceConfig" -}}
{{- $defaults := deepCopy .root.Values.serviceDefaults -}}
{{- $own := index .root.Values.services .name -}}
{{- $merged := mergeOverwrite $defaults (deepCopy $own) -}}
{{- range $part := list "autoscaling" "keda" "podDisruptionBudget" -}}
{{- $_ := set (index $merged $part) "enabled" (dig $part "enabled" (index $.root.Values.serviceDefaults $part).enabled $own) -}}
{{- end -}}
{{- toYaml $merged -}}
{{- end -}}

{{/* Seconds Kubernetes waits after SIGTERM: the services' shutdown bound plus a margin. */}}
{{- define "cp.terminationGracePeriodSeconds" -}}
{{- add (div (add .Values.pipeline.shutdownTimeoutMs 999) 1000) .Values.pipeline.terminationGraceExtraSeconds -}}
{{- end -}}

{{/* A variable read from a Secret; call with (dict "env" NAME "secret" {name, key}). */}}
{{- define "cp.secretEnv" -}}
- name: {{ .env }}
  valueFrom:
    secretKeyRef:
      name: {{ .secret.name }}
      key: {{ .secret.key }}
{{- end -}}

{{/* The variables every service reads from Secrets. */}}
{{- define "cp.secretEnvs" -}}
{{ include "cp.secretEnv" (dict "env" "DATABASE_URL" "secret" .Values.database.urlSecret) }}
{{- if .Values.kafka.brokersSecret.name }}
{{ include "cp.secretEnv" (dict "env" "KAFKA_BROKERS" "secret" .Values.kafka.brokersSecret) }}
{{- end }}
{{- if .Values.kafka.schemaRegistryUrlSecret.name }}
{{ include "cp.secretEnv" (dict "env" "SCHEMA_REGISTRY_URL" "secret" .Values.kafka.schemaRegistryUrlSecret) }}
{{- end }}
{{- if .Values.digit.authTokenSecret.name }}
{{ include "cp.secretEnv" (dict "env" "DIGIT_AUTH_TOKEN" "secret" .Values.digit.authTokenSecret) }}
{{- end }}
{{- if .Values.credentials.keySecret.name }}
{{ include "cp.secretEnv" (dict "env" "CREDENTIALS_KEY" "secret" .Values.credentials.keySecret) }}
{{- end }}
{{- end -}}

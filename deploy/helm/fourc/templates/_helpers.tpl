{{/* Names, labels and the image, shared by every template. */}}

{{- define "fourc.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* fourc.fullname: the release name, or release-chart when they differ. */}}
{{- define "fourc.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "fourc.admission.fullname" -}}
{{- printf "%s-admission" (include "fourc.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- define "fourc.operator.fullname" -}}
{{- printf "%s-operator" (include "fourc.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- define "fourc.scan.fullname" -}}
{{- printf "%s-scan" (include "fourc.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- define "fourc.nodescan.fullname" -}}
{{- printf "%s-node-scan" (include "fourc.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- define "fourc.tls.secretName" -}}
{{- printf "%s-tls" (include "fourc.admission.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "fourc.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: {{ include "fourc.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: fourc
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* fourc.selectorLabels: pass (dict "ctx" $ "component" "admission"). */}}
{{- define "fourc.selectorLabels" -}}
app.kubernetes.io/name: {{ include "fourc.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "fourc.componentLabels" -}}
{{ include "fourc.labels" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* fourc.image: repository@digest when a digest is set, else repository:tag. */}}
{{- define "fourc.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{/* fourc.podSecurity: the pod-level security both Deployments share. */}}
{{- define "fourc.podSecurity" -}}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- end -}}

{{/* fourc.spread: preferred anti-affinity over nodes for one component. */}}
{{- define "fourc.spread" -}}
podAntiAffinity:
  preferredDuringSchedulingIgnoredDuringExecution:
    - weight: 100
      podAffinityTerm:
        topologyKey: kubernetes.io/hostname
        labelSelector:
          matchLabels:
            {{- include "fourc.selectorLabels" . | nindent 12 }}
{{- end -}}

{{/* fourc.egressAPI: egress rules for DNS and the API server. */}}
{{- define "fourc.egressAPI" -}}
- ports:
    - port: 53
      protocol: UDP
    - port: 53
      protocol: TCP
- to:
    {{- range .Values.networkPolicy.apiServerEgressCIDRs }}
    - ipBlock:
        cidr: {{ . }}
    {{- end }}
  ports:
    {{- range .Values.networkPolicy.apiServerPorts }}
    - port: {{ int . }}
      protocol: TCP
    {{- end }}
{{- end -}}

// Package render turns Helm charts and Kustomize directories into plain
// Kubernetes manifests, offline, so the kube checks can inspect what a
// chart or an overlay would really apply.
//
// Both renderers read only the scan root's fs.FS they are given: no
// network, no git clones, no dependency downloads, no plugins. Input and
// output sizes are capped, and every manifest keeps the file it came from
// (a chart's template, a kustomization's resource) so findings point there.
package render

// Package rbac is fourc's one model of Kubernetes RBAC: Roles,
// ClusterRoles (aggregation rules resolved), RoleBindings and
// ClusterRoleBindings, built from typed rbac/v1 objects, answering who may
// do what as the API server's RBAC authorizer does. Manifest checks, live
// checks, the posture assets and `fourc k8s who-can` all ask it, so they
// cannot disagree; its test compares every answer with the real API
// server's SubjectAccessReview.
//
// The model follows the authorizer exactly: verbs, API groups and
// resources match case-sensitively; "*" matches everything in its field;
// "*/sub" matches a subresource of any resource; a rule with
// resourceNames matches only requests that name one of them (never list,
// watch or create of the collection); non-resource URLs match exactly or
// by a prefix ending in "*" and are granted only through
// ClusterRoleBindings; a service account subject without a namespace takes
// the RoleBinding's; a ClusterRoleBinding that references a Role grants
// nothing. Other authorizers (Node, webhooks, system:masters' built-in
// bypass) are not modelled.
package rbac

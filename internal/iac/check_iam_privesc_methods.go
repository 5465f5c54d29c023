package iac

// The privilege-escalation methods FC-AWS-501 … 523 look for; how a
// document is read is described in check_iam_privesc.go.

import "github.com/fourc-dev/fourc/internal/finding"

func mitre(id, path string) finding.Reference {
	return ref("MITRE ATT&CK "+id, "https://attack.mitre.org/techniques/"+path+"/")
}

// passRoleFix is the remediation of the iam:PassRole combinations.
const passRoleFix = "Scope iam:PassRole to the ARNs of the roles this principal must hand to the service (not role/* or \"*\"), and add the iam:PassedToService condition."

// escalations lists the methods in ID order.
func escalations() []escalation {
	cloudCreds := mitre("T1098.001", "T1098/001")
	cloudRoles := mitre("T1098.003", "T1098/003")
	return []escalation{
		{
			id: "FC-AWS-501", title: "IAM policy allows iam:CreatePolicyVersion on any policy",
			needs: []need{needs(onPolicy, "iam:CreatePolicyVersion")},
			gain:  "a holder can rewrite a managed policy it holds and make the new version the default",
			desc:  "iam:CreatePolicyVersion can publish a new version of a customer managed policy and set it as default in the same call, so a principal holding it on its own policy writes itself any permission, administrator included.",
			fix:   "Keep iam:CreatePolicyVersion for administrators, or scope it to the ARNs of policies attached to nobody who holds it.",
			refs:  privescRefs(cloudRoles),
		},
		{
			id: "FC-AWS-502", title: "IAM policy allows iam:SetDefaultPolicyVersion on any policy",
			needs: []need{needs(onPolicy, "iam:SetDefaultPolicyVersion")},
			gain:  "a holder can switch a managed policy it holds to a broader earlier version",
			desc:  "iam:SetDefaultPolicyVersion makes any stored version of a managed policy the effective one; an older version that granted more (a forgotten draft, a pre-hardening release) becomes the holder's permissions again.",
			fix:   "Keep iam:SetDefaultPolicyVersion for administrators, scope it to named policy ARNs, and delete policy versions that are no longer used.",
			refs:  privescRefs(cloudRoles),
		},
		{
			id: "FC-AWS-503", title: "IAM policy allows iam:PassRole with ec2:RunInstances",
			needs: []need{needs(onRole, "iam:PassRole"), needs(nil, "ec2:RunInstances")},
			gain:  "a holder can start an instance with any passable role and read that role's credentials from it",
			desc:  "Passing any role to an instance it launches lets a principal log in to that instance (or give it user data) and take the role's temporary credentials from the instance metadata service: it acquires the permissions of every role that EC2 may assume.",
			fix:   passRoleFix,
			refs:  privescRefs(),
		},
		{
			id: "FC-AWS-504", title: "IAM policy allows iam:PassRole with lambda:CreateFunction and a way to invoke it",
			needs: []need{needs(onRole, "iam:PassRole"), needs(nil, "lambda:CreateFunction"), needs(nil, "lambda:InvokeFunction", "lambda:CreateEventSourceMapping")},
			gain:  "a holder can run code as any passable role",
			desc:  "Creating a Lambda function with any execution role, then invoking it directly or through an event source mapping, runs the holder's code with that role's permissions.",
			fix:   passRoleFix,
			refs:  privescRefs(mitre("T1648", "T1648")),
		},
		{
			id: "FC-AWS-505", title: "IAM policy allows iam:PassRole with cloudformation:CreateStack",
			needs: []need{needs(onRole, "iam:PassRole"), needs(nil, "cloudformation:CreateStack")},
			gain:  "a holder can create any resource as any passable role through a stack",
			desc:  "A stack created with a service role acts with that role's permissions: a principal passing any role to CloudFormation creates whatever the role may create, IAM users and policies included.",
			fix:   passRoleFix,
			refs:  privescRefs(),
		},
		{
			id: "FC-AWS-506", title: "IAM policy allows iam:PassRole with glue:CreateDevEndpoint",
			needs: []need{needs(onRole, "iam:PassRole"), needs(nil, "glue:CreateDevEndpoint")},
			gain:  "a holder can open a Glue development endpoint as any passable role and use its credentials",
			desc:  "A Glue development endpoint accepts an SSH key from its creator and runs with the role passed to it, so the creator obtains that role's credentials from inside the endpoint.",
			fix:   passRoleFix,
			refs:  privescRefs(),
		},
		{
			id: "FC-AWS-507", title: "IAM policy allows iam:PassRole with Data Pipeline creation",
			needs: []need{needs(onRole, "iam:PassRole"), needs(nil, "datapipeline:CreatePipeline"), needs(nil, "datapipeline:PutPipelineDefinition")},
			gain:  "a holder can run commands as any passable role in a data pipeline",
			desc:  "A pipeline created and defined by the holder runs its activities (shell commands included) with the role passed to it.",
			fix:   passRoleFix,
			refs:  privescRefs(),
		},
		{
			id: "FC-AWS-508", title: "IAM policy allows iam:CreateAccessKey on other users",
			needs: []need{needs(onUser, "iam:CreateAccessKey")},
			gain:  "a holder can create access keys for other users and act as them",
			desc:  "An access key created for another user is that user's long-lived credential: the holder acts with that user's permissions, an administrator's included, and the key survives the holder's own revocation.",
			fix:   "Let users manage only their own keys (Resource arn:aws:iam::*:user/${aws:username}) and keep iam:CreateAccessKey on other users for administrators.",
			refs:  privescRefs(cloudCreds),
		},
		{
			id: "FC-AWS-509", title: "IAM policy allows iam:CreateLoginProfile on other users",
			needs: []need{needs(onUser, "iam:CreateLoginProfile")},
			gain:  "a holder can set a console password for another user and sign in as them",
			desc:  "Creating a login profile gives a user without console access a password the holder chose; the holder then signs in to the console as that user.",
			fix:   "Scope iam:CreateLoginProfile to the user's own ARN (user/${aws:username}) or keep it for administrators.",
			refs:  privescRefs(cloudCreds),
		},
		{
			id: "FC-AWS-510", title: "IAM policy allows iam:UpdateLoginProfile on other users",
			needs: []need{needs(onUser, "iam:UpdateLoginProfile")},
			gain:  "a holder can reset another user's console password and sign in as them",
			desc:  "Changing the password of another user's login profile takes over that user's console access.",
			fix:   "Scope iam:UpdateLoginProfile to the user's own ARN (user/${aws:username}) or keep it for administrators.",
			refs:  privescRefs(cloudCreds),
		},
		{
			id: "FC-AWS-511", title: "IAM policy allows iam:AttachUserPolicy",
			needs: []need{needs(onSelf, "iam:AttachUserPolicy")},
			gain:  "a holder can attach AdministratorAccess to itself or to another user",
			desc:  "Attaching a managed policy to a user, oneself included, grants whatever that policy grants; AdministratorAccess is always available to attach.",
			fix:   "Keep iam:AttachUserPolicy for administrators, or restrict it with the iam:PolicyARN condition to a list of harmless policies.",
			refs:  privescRefs(cloudRoles),
		},
		{
			id: "FC-AWS-512", title: "IAM policy allows iam:AttachGroupPolicy",
			needs: []need{needs(onGroup, "iam:AttachGroupPolicy")},
			gain:  "a holder can attach AdministratorAccess to a group it belongs to",
			desc:  "Attaching a managed policy to a group grants it to every member; a holder in that group grants itself administrator access.",
			fix:   "Keep iam:AttachGroupPolicy for administrators, or restrict it with the iam:PolicyARN condition to a list of harmless policies.",
			refs:  privescRefs(cloudRoles),
		},
		{
			id: "FC-AWS-513", title: "IAM policy allows iam:AttachRolePolicy on a role its holder can assume",
			needs:    []need{needs(onRole, "iam:AttachRolePolicy"), needs(nil, "sts:AssumeRole")},
			selfRole: true,
			gain:     "a holder can attach AdministratorAccess to a role it can assume (or to its own role)",
			desc:     "Attaching a managed policy to a role and then acting as that role (by assuming it, or by being it: a role's own inline policy) grants the holder whatever the policy grants.",
			fix:      "Keep iam:AttachRolePolicy for administrators, or restrict it to named roles and to a list of harmless policies with the iam:PolicyARN condition.",
			refs:     privescRefs(cloudRoles),
		},
		{
			id: "FC-AWS-514", title: "IAM policy allows iam:PutUserPolicy",
			needs: []need{needs(onSelf, "iam:PutUserPolicy")},
			gain:  "a holder can write itself an inline policy granting anything",
			desc:  "An inline policy is whatever its author writes: a user that may put inline policies on itself (or on another user it controls) grants itself administrator access.",
			fix:   "Keep iam:PutUserPolicy for administrators; self-service policies must not include it, even on user/${aws:username}.",
			refs:  privescRefs(cloudRoles),
		},
		{
			id: "FC-AWS-515", title: "IAM policy allows iam:PutGroupPolicy",
			needs: []need{needs(onGroup, "iam:PutGroupPolicy")},
			gain:  "a holder can write an inline policy granting anything to a group it belongs to",
			desc:  "An inline policy put on a group applies to every member; a holder in that group grants itself any permission.",
			fix:   "Keep iam:PutGroupPolicy for administrators, or scope it to groups the holder cannot join.",
			refs:  privescRefs(cloudRoles),
		},
		{
			id: "FC-AWS-516", title: "IAM policy allows iam:PutRolePolicy on a role its holder can act as",
			needs:    []need{needs(onRole, "iam:PutRolePolicy"), needs(nil, "sts:AssumeRole")},
			selfRole: true,
			gain:     "a holder can write an inline policy granting anything to a role it can assume (or to its own role)",
			desc:     "A role allowed to put inline policies on itself, or a principal allowed to put them on a role it can assume, writes itself any permission.",
			fix:      "Keep iam:PutRolePolicy for administrators, or scope it to named roles the holder can neither be nor assume.",
			refs:     privescRefs(cloudRoles),
		},
		{
			id: "FC-AWS-517", title: "IAM policy allows iam:AddUserToGroup on any group",
			needs: []need{needs(onGroup, "iam:AddUserToGroup")},
			gain:  "a holder can add itself to any group, an administrators group included",
			desc:  "Joining a group grants its policies; a user free to choose the group picks the most privileged one.",
			fix:   "Scope iam:AddUserToGroup to the ARNs of groups that grant little, or keep it for administrators.",
			refs:  privescRefs(cloudRoles),
		},
		{
			id: "FC-AWS-518", title: "IAM policy allows iam:UpdateAssumeRolePolicy with sts:AssumeRole",
			needs: []need{needs(onRole, "iam:UpdateAssumeRolePolicy"), needs(nil, "sts:AssumeRole")},
			gain:  "a holder can make any role trust it and then assume that role",
			desc:  "Rewriting a role's trust policy decides who may assume it; with sts:AssumeRole the holder then becomes any role of the account, administrator roles included.",
			fix:   "Keep iam:UpdateAssumeRolePolicy for administrators, or scope it to named roles that grant little.",
			refs:  privescRefs(cloudRoles),
		},
		{
			id: "FC-AWS-519", title: "IAM policy allows lambda:UpdateFunctionCode on any function",
			needs: []need{needs(onFunction, "lambda:UpdateFunctionCode")},
			gain:  "a holder can replace any function's code and run it with the function's role",
			desc:  "Replacing the code of an existing Lambda function makes it run the holder's code with the function's execution role, whose permissions often exceed the holder's.",
			fix:   "Scope lambda:UpdateFunctionCode to the ARNs of the functions the principal deploys.",
			refs:  privescRefs(mitre("T1648", "T1648")),
		},
		{
			id: "FC-AWS-520", title: "IAM policy allows glue:UpdateDevEndpoint on any endpoint",
			needs: []need{needs(onEndpoint, "glue:UpdateDevEndpoint")},
			gain:  "a holder can add its SSH key to any Glue development endpoint and use the endpoint's role",
			desc:  "Updating a development endpoint can install a new SSH public key; the holder then logs in and uses the role the endpoint runs with.",
			fix:   "Scope glue:UpdateDevEndpoint to named endpoints, or remove development endpoints that run with broad roles.",
			refs:  privescRefs(),
		},
		{
			id: "FC-AWS-521", title: "IAM policy allows SSM commands or sessions on any instance",
			needs: []need{needs(onInstance, "ssm:SendCommand", "ssm:StartSession")},
			gain:  "a holder can run commands on any managed instance and use its instance role",
			desc:  "Run Command and Session Manager execute commands as root on managed instances, where the instance profile's credentials are readable: the holder acquires the permissions of every instance role in reach.",
			fix:   "Scope ssm:SendCommand and ssm:StartSession to named instances or to instances with a given tag (ssm:resourceTag condition), and to the documents needed.",
			refs:  privescRefs(mitre("T1651", "T1651")),
		},
		{
			id: "FC-AWS-522", title: "IAM policy allows ec2-instance-connect:SendSSHPublicKey on any instance",
			needs: []need{needs(onInstance, "ec2-instance-connect:SendSSHPublicKey")},
			gain:  "a holder can push an SSH key to any instance, log in and use its instance role",
			desc:  "EC2 Instance Connect installs the caller's SSH key for a minute; the holder logs in to the instance and reads the instance profile's credentials.",
			fix:   "Scope ec2-instance-connect:SendSSHPublicKey to named instances or to instances with a given tag, and to a named OS user.",
			refs:  privescRefs(),
		},
		{
			id: "FC-AWS-523", title: "IAM policy allows iam:PassRole with codestar:CreateProject",
			needs: []need{needs(onRole, "iam:PassRole"), needs(nil, "codestar:CreateProject")},
			gain:  "a holder can create a CodeStar project whose resources act as any passable role",
			desc:  "A CodeStar project is deployed from a template with the role passed to it, so its creator makes that role create or run whatever the template says.",
			fix:   passRoleFix,
			refs:  privescRefs(),
		},
	}
}

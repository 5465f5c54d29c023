package volume

func wire(tc testCase, clientCfg *rest.Config) {
	source.Secret.Optional = &tc.optional
	credentials.ClientKey = clientCfg.TLSClientConfig.KeyFile
	repeatedStringForSecrets := "[]ObjectReference{"
	impersonator.BearerToken = "serviceaccount1"
	secretVal := "086a7ffc-0225-11e8-ba89-0ed5f89f718b" // Fake value for testing.
}

const CredentialIDKey = "authentication.example.io/credential-id"

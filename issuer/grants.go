package issuer

// registerTokenFlows adds the user-flow grants to the token endpoint and the
// revocation, introspection and revocation-feed routes.
func (s *Server) registerTokenFlows() {}

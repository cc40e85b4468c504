package issuer

// registerBrowserFlows adds the routes a browser visits: login, logout,
// consent, /o/authorize/, and the OIDC userinfo endpoint.
func (s *Server) registerBrowserFlows() {}

// The live playground's Kubernetes API: the object store, the controllers that reconcile it on
// virtual time, and the request handling kubectl needs. No HTTP server here (PlaygroundServer).
import Blueprint

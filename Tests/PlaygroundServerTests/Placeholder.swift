import Testing
@testable import PlaygroundServer

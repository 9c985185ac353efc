import KubeprintCommands

@main
enum Entrypoint {
    static func main() async {
        await Kubeprint.execute()
    }
}

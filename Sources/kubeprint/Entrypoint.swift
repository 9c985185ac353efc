import KubeprintCommands

@main
enum Entrypoint {
    static func main() async {
        await Kubeprint.main(nil)
    }
}

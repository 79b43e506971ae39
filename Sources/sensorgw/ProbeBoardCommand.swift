import ArgumentParser
import Boards

/// `sensorgw probe board [--board NAME] [--json] [--list]`: the header map of this board.
struct ProbeBoardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "board",
        abstract: "Print the board's header map: pin, name, GPIO chip label and line, and its I2C and SPI buses.",
        discussion: "Without --board the board is found from /proc/device-tree/model. --list lists the known boards.")

    @Option(help: "A board profile name (see --list), or auto (default: read the device-tree model).")
    var board: String = "auto"

    @Option(help: "Read the device-tree model under this directory instead of / (for testing).")
    var root: String = "/"

    @Flag(help: "List the known boards.")
    var list = false

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        do {
            let catalog = try BoardCatalog.builtIn()
            if list {
                print(BoardTable.list(catalog), terminator: "")
                return
            }
            let profile = try catalog.resolve(board, root: root)
            let model = DeviceTreeModel.read(root: root)
            print(json ? BoardTable.json(profile, model: model) : BoardTable.render(profile, model: model), terminator: "")
        } catch {  // typed throws: a BoardProfileError
            printError("error: \(error)")
            throw ExitCode(78)  // EX_CONFIG: an unknown or undetectable board is a configuration matter
        }
    }
}

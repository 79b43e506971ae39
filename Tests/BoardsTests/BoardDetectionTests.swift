import Testing

@testable import Boards

@Suite struct BoardDetectionTests {
    let catalog: BoardCatalog

    init() throws {
        catalog = try BoardCatalog.builtIn()
    }

    // The model strings these boards' firmware puts in the device tree.
    @Test(arguments: [
        ("Raspberry Pi 4 Model B Rev 1.4", "raspberry-pi-4"),
        ("Raspberry Pi 400 Rev 1.0", "raspberry-pi-4"),
        ("Raspberry Pi 5 Model B Rev 1.0", "raspberry-pi-5"),
        ("Raspberry Pi 3 Model B Plus Rev 1.3", "raspberry-pi-3b-plus"),
        ("Raspberry Pi Zero 2 W Rev 1.0", "raspberry-pi-zero-2-w"),
        ("Raspberry Pi Compute Module 4 Rev 1.0", "raspberry-pi-cm4"),
        ("Raspberry Pi Compute Module 5 Rev 1.0", "raspberry-pi-cm5"),
        ("TI AM335x BeagleBone Black", "beaglebone-black"),
        ("Libre Computer AML-S905X-CC", "libre-computer-aml-s905x-cc"),
    ])
    func autoFromProcDeviceTree(model: String, board: String) throws {
        let tree = FakeDeviceTree(model: model)
        #expect(DeviceTreeModel.read(root: tree.root) == model)
        #expect(try catalog.resolve("auto", root: tree.root).name == board)
    }

    @Test func fallsBackToSysFirmware() throws {
        let tree = FakeDeviceTree(model: "Raspberry Pi 5 Model B Rev 1.0", at: "sys/firmware/devicetree/base/model")
        #expect(try catalog.resolve("auto", root: tree.root).name == "raspberry-pi-5")
    }

    @Test func noModelFileIsAnError() {
        let tree = FakeDeviceTree(model: nil)
        #expect(DeviceTreeModel.read(root: tree.root) == nil)
        #expect(throws: BoardProfileError.self) { try catalog.resolve("auto", root: tree.root) }
    }

    @Test func anUnknownModelNamesTheKnownBoards() {
        let tree = FakeDeviceTree(model: "Raspberry Pi Model B Rev 2")  // a 26-pin Pi 1
        do {
            _ = try catalog.resolve("auto", root: tree.root)
            Issue.record("a Pi 1 matched a profile")
        } catch {
            #expect(error.description.contains("Raspberry Pi Model B Rev 2"))
            #expect(error.description.contains("raspberry-pi-4"))
        }
    }

    @Test func aNamedBoardNeedsNoDeviceTree() throws {
        #expect(try catalog.resolve("beaglebone-black", root: "/nonexistent").name == "beaglebone-black")
        #expect(throws: BoardProfileError.self) { try catalog.resolve("raspberry-pi-6") }
    }
}

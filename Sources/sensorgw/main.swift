print("sensorgw")

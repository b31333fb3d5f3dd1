import { endTaskCommand } from "./end-task-command";

export default endTaskCommand("delete");

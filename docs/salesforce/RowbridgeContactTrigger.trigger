/** Tells Rowbridge about every saved, deleted or restored Contact (see RowbridgeNotifier). */
trigger RowbridgeContactTrigger on Contact (after insert, after update, after delete, after undelete) {
    RowbridgeNotifier.notify('Contact', Trigger.isDelete ? Trigger.old : Trigger.new);
}
